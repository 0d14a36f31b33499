// The engine logs through whatever the host passes in; the methods are optional so a host can pass its own logger.
export interface Logger {
  debug?(msg: string): void;
  info?(msg: string): void;
  warn?(msg: string): void;
}

export const silentLogger: Logger = {};
