/** A host key's sha256 (hex) as OpenSSH prints it (`ssh-keygen -lf`): SHA256:<base64 without padding>. */
export function fingerprint(hex: string): string {
  const bytes = (hex.match(/../g) ?? []).map((h) => parseInt(h, 16));
  return `SHA256:${btoa(String.fromCharCode(...bytes)).replace(/=+$/, '')}`;
}

/** Bytes in binary units, in the browser's locale. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toLocaleString(undefined, { maximumFractionDigits: 1 })} ${units[unit]}`;
}
