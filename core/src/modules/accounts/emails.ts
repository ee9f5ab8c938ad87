import { renderMail, type RenderedMail } from '../mail/layout.js';

/** The account mails. Links point at the panel's pages, which call the API with the token. */
export const accountEmails = {
  verification: (link: string): RenderedMail =>
    renderMail(
      'Confirm your email address',
      [
        'Welcome to Conductor. Confirm that this address is yours to finish setting up your account.',
        'The link works once and expires in 24 hours.',
      ],
      { label: 'Confirm email', url: link },
    ),
  passwordReset: (link: string): RenderedMail =>
    renderMail(
      'Reset your password',
      [
        'Someone asked to reset the password of your Conductor account. If it was not you, ignore this mail: your password stays as it is.',
        'The link works once and expires in one hour.',
      ],
      { label: 'Choose a new password', url: link },
    ),
  welcome: (panelUrl: string): RenderedMail =>
    renderMail('Welcome to Conductor', ['Your email address is confirmed and your account is ready.'], {
      label: 'Open the panel',
      url: panelUrl,
    }),
  accountDeleted: (): RenderedMail =>
    renderMail('Your account was deleted', [
      'Your Conductor account and its data were deleted. If you did not do this, contact the panel operator.',
    ]),
  newDevice: (when: string, ip: string, agent: string, securityUrl: string): RenderedMail =>
    renderMail(
      'New sign-in to your account',
      [
        `Your account was signed in to from a new device at ${when} (UTC).`,
        `Address: ${ip}`,
        `Browser: ${agent}`,
        'If this was not you, change your password now and review your security log.',
      ],
      { label: 'Review security log', url: securityUrl },
    ),
  accountLocked: (minutes: number, resetUrl: string): RenderedMail =>
    renderMail(
      'Your account was locked',
      [
        `After repeated failed sign-ins your account is locked for ${minutes} minutes.`,
        'If this was not you, someone may be guessing your password: resetting it also unlocks the account.',
      ],
      { label: 'Reset password', url: resetUrl },
    ),
  passwordChanged: (securityUrl: string): RenderedMail =>
    renderMail(
      'Your password was changed',
      [
        'The password of your Conductor account was just changed, and your other sessions were signed out.',
        'If you did not do this, reset your password now.',
      ],
      { label: 'Review security log', url: securityUrl },
    ),
};
