export { AuthKitError } from './auth-kit-error';
export { ConfigurationError } from './configuration-error';
export { FeedStaleError } from './feed-stale-error';
export { InsufficientPermissionError } from './insufficient-permission-error';
export { InvalidTokenError } from './invalid-token-error';
export { IssuerUnreachableError } from './issuer-unreachable-error';
export { TokenRequestError } from './token-request-error';
export { InvalidSignatureError } from './invalid-signature-error';
