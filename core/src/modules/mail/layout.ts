/** Escapes text for HTML; every value a template puts into HTML goes through this. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * One plain layout for every mail, so templates only write paragraphs. Inline styles only: mail
 * clients drop <style> blocks.
 */
export function renderMail(subject: string, paragraphs: string[], action?: { label: string; url: string }): RenderedMail {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : []), '— Conductor'].join('\n\n');
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`).join('');
  const button = action
    ? `<p style="margin:0 0 16px"><a href="${escapeHtml(action.url)}" style="background:#2563eb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p><p style="margin:0 0 16px;font-size:12px;color:#666">${escapeHtml(action.url)}</p>`
    : '';
  const html = `<!doctype html><html><body style="font-family:sans-serif;color:#111;max-width:560px;margin:24px auto"><h2 style="margin:0 0 16px">${escapeHtml(subject)}</h2>${body}${button}<p style="color:#666;font-size:12px">Conductor</p></body></html>`;
  return { subject, text, html };
}
