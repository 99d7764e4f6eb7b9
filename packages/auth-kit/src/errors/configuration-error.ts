import { AuthKitError } from './auth-kit-error';

/** Bad options, or an issuer whose discovery document does not match them. Fix the deployment. */
export class ConfigurationError extends AuthKitError {
  readonly code = 'configuration_error';
  readonly status = 500;
}
