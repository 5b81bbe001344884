/** kafkajs's log levels. */
export enum logLevel {
  NOTHING = 0,
  ERROR = 1,
  WARN = 2,
  INFO = 4,
  DEBUG = 5,
}

export interface LoggerEntryContent {
  readonly timestamp: string;
  readonly message: string;
  [key: string]: unknown;
}

export interface LogEntry {
  namespace: string;
  level: logLevel;
  label: string;
  log: LoggerEntryContent;
}

export type logCreator = (level: logLevel) => (entry: LogEntry) => void;

export interface Logger {
  info: (message: string, extra?: object) => void;
  error: (message: string, extra?: object) => void;
  warn: (message: string, extra?: object) => void;
  debug: (message: string, extra?: object) => void;
  namespace: (namespace: string, level?: logLevel) => Logger;
  setLogLevel: (level: logLevel) => void;
}

const LABELS: Record<number, string> = { 1: 'ERROR', 2: 'WARN', 4: 'INFO', 5: 'DEBUG' };

/** The default sink: one JSON line per entry on the console, like kafkajs's. */
export const consoleLogCreator: logCreator = () => ({ namespace, level, label, log }) => {
  const prefix = namespace ? `[${namespace}] ` : '';
  const line = JSON.stringify({ level: label, ...log, message: `${prefix}${log.message}` });
  if (level === logLevel.ERROR) console.error(line);
  else if (level === logLevel.WARN) console.warn(line);
  else console.log(line);
};

/**
 * Creates a logger that filters by level before building an entry, so disabled levels cost
 * one comparison. `setLogLevel` on any derived logger changes the level for all of them.
 */
export function createLogger(options: { level?: logLevel; logCreator?: logCreator } = {}): Logger {
  const state = { level: options.level ?? logLevel.INFO };
  const sink = (options.logCreator ?? consoleLogCreator)(state.level);
  const make = (namespace: string, override?: logLevel): Logger => {
    const log = (level: logLevel) => (message: string, extra?: object) => {
      if (level > (override ?? state.level)) return;
      sink({ namespace, level, label: LABELS[level], log: { timestamp: new Date().toISOString(), logger: 'kafkajs', message, ...extra } });
    };
    return {
      info: log(logLevel.INFO),
      error: log(logLevel.ERROR),
      warn: log(logLevel.WARN),
      debug: log(logLevel.DEBUG),
      namespace: (child, level) => make(child, level ?? override),
      setLogLevel: (level) => {
        state.level = level;
      },
    };
  };
  return make('');
}
