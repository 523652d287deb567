export { TowerError, isTowerError, type TowerErrorOptions } from './tower-error.ts';
export { errorCatalog, type ErrorCode } from './error-catalog.ts';
