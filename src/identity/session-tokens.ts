import type { OrganizationRow } from './organization-repository.js';
import type * as repo from './repository.js';

/** What sign-in and refresh answer: the token pair, when each expires, and who it is for. */
export interface SessionTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: repo.UserRow & { roles: string[] };
  organization: OrganizationRow;
}
