import { badRequest } from './errors.js';

/** Refuses anything Intl does not know as an IANA zone, with the code every zone field answers. */
export function assertTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw badRequest('invalid_timezone', `${zone} is not a time zone; use an IANA name such as Europe/Berlin`);
  }
}
