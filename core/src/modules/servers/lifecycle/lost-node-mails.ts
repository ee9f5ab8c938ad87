import { renderMail, type RenderedMail } from '../../mail/layout.js';

/** How long ago, in the largest whole unit that fits: what the owner lost with the node. */
function ago(seconds: number): string {
  if (seconds < 120) return `${seconds} seconds`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} hours`;
  return `${Math.round(seconds / 86_400)} days`;
}

/** The owner's mails when self-healing acts on their server. */
export const lostNodeMails = {
  rescheduled(name: string, backupTakenAt: string, backupAgeSeconds: number): RenderedMail {
    return renderMail(`${name} was moved to another node`, [
      `The node your server ${name} ran on stopped answering, so the server was brought back on another node from its backup of ${backupTakenAt} (${ago(backupAgeSeconds)} old).`,
      'Changes made after that backup were lost with the node. Players reach the server at its new address; its hostnames and domains followed it.',
    ]);
  },
  lost(name: string, reason: string): RenderedMail {
    return renderMail(`${name} is unavailable`, [
      `The node your server ${name} ran on stopped answering, and the server could not be brought back elsewhere: ${reason}.`,
      'It comes back when its node does. Keep a backup on remote storage so it can be moved next time.',
    ]);
  },
};
