import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url (43 characters): unguessable; only its SHA-256 is kept with the survey. */
export function newSurveyToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSurveyToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const SURVEY_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
