/** A host key's sha256 (hex) as OpenSSH prints it (`ssh-keygen -lf`): SHA256:<base64 without padding>. */
export function fingerprint(hex: string): string {
  const bytes = (hex.match(/../g) ?? []).map((h) => parseInt(h, 16));
  return `SHA256:${btoa(String.fromCharCode(...bytes)).replace(/=+$/, '')}`;
}
