// What every `paliscope <command>` shares: where it writes, how its flags are parsed, and the exit codes of a usage
// mistake (2, with the usage after the message) and of `--help` (0, the usage on stdout). Messages start with the
// command's name so a script's log says which step complained.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr });

type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

export class CliCommand {
  constructor(
    /** As typed: `paliscope eval`. */
    readonly name: string,
    readonly usage: string,
    readonly io: CliIo,
  ) {}

  /** The flags, or the exit code when there is nothing more to do: 2 after a bad flag, 0 after `--help`. */
  parse<T extends ParseArgsConfig>(config: T): Parsed<T> | number {
    let parsed: Parsed<T>;
    try {
      parsed = parseArgs(config);
    } catch (e) {
      return this.usageError((e as Error).message);
    }
    if ((parsed.values as { help?: boolean }).help) {
      this.io.stdout.write(this.usage);
      return 0;
    }
    return parsed;
  }

  /** A mistake in how the command was called: the message, then the usage; exit code 2. */
  usageError(message: string): 2 {
    this.io.stderr.write(`${this.name}: ${message}\n\n${this.usage}`);
    return 2;
  }

  /** A failure of the work itself (a missing file, a refused project): the message alone; exit code `code`. */
  fail(message: string, code = 1): number {
    this.io.stderr.write(`${this.name}: ${message}\n`);
    return code;
  }
}
