/**
 * Kernel pieces that are not the panel: the error contract, logging, config-error formatting and
 * the outbound address policy. The node agent uses these so both processes fail, log, answer and
 * refuse internal targets the same way.
 */
export {
  AppError,
  badRequest,
  conflict,
  forbidden,
  notFound,
  unauthorized,
  isAppError,
  toErrorResponse,
  type ErrorBody,
} from './kernel/errors.js';
export { abandonStdout, createLogger, bufferedStdout, type Logger } from './kernel/logger.js';
export { ConfigError, describeConfigIssue } from './kernel/config.js';
export { bearerToken, secretsEqual } from './kernel/auth.js';
export { logKoaErrors } from './kernel/http/koa-errors.js';
export { isPublicAddress, literalAddress } from './kernel/address-policy.js';
