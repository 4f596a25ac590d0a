import { IsIn } from 'class-validator';

/** The languages queues serve in (and agents' `lang:<language>` skills name). */
export const LANGUAGES = ['fi', 'sv', 'en'] as const;

/** A contact's language: one of LANGUAGES, or "" when it is not known (the queue's language then). */
export const CONTACT_LANGUAGES: readonly string[] = ['', ...LANGUAGES];

/**
 * A contact's language (CONTACT_LANGUAGES); 422 rule `isIn`. Its own message: class-validator's
 * lists the values joined by commas, and the empty one made it read "one of the following values:
 * , fi, sv, en".
 */
export function IsContactLanguage(): PropertyDecorator {
  return IsIn(CONTACT_LANGUAGES, { message: ({ property }) => `${property} must be "" (unknown) or one of ${LANGUAGES.join(', ')}` });
}
