import type { BillingDocument } from './documents-repo.js';

const money = (cents: number, currency: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);

/**
 * A statement or receipt as a PDF, from its frozen data; the creation date is the issue date, so a
 * re-download is the same file. pdfkit (about 30 MB with its fonts) loads on the first download,
 * not with the panel.
 */
export async function renderPdf(doc: BillingDocument): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const { data } = doc;
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `${data.title} ${doc.number}`, Author: data.seller[0] ?? 'Conductor', CreationDate: new Date(doc.issuedAt) },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  pdf.font('Helvetica-Bold').fontSize(10);
  for (const line of data.seller) pdf.text(line);
  pdf.moveDown().font('Helvetica').text(data.customer);
  pdf.moveDown().font('Helvetica-Bold').fontSize(16).text(data.title);
  pdf
    .font('Helvetica')
    .fontSize(10)
    .text(`No. ${doc.number}`)
    .text(`Issued ${doc.issuedAt.slice(0, 10)} (UTC)`);
  if (doc.period) pdf.text(`Period ${doc.period}`);
  pdf.moveDown();

  const row = (label: string, amount: string, bold = false) => {
    const y = pdf.y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').text(label, 50, y, { width: 380 });
    pdf.text(amount, 430, y, { width: 115, align: 'right' });
  };
  for (const line of data.lines) row(line.detail ? `${line.label}: ${line.detail}` : line.label, money(line.amountCents, data.currency));
  pdf.moveDown();
  row('Total', money(data.grossCents, data.currency), true);
  if (data.vatBasisPoints > 0) {
    row(`Net`, money(data.netCents, data.currency));
    row(`VAT ${(data.vatBasisPoints / 100).toFixed(2)} % (included)`, money(data.vatCents, data.currency));
  }
  if (data.summary.length) {
    pdf.moveDown();
    for (const line of data.summary) row(line.label, money(line.amountCents, data.currency));
  }
  pdf.end();
  return done;
}
