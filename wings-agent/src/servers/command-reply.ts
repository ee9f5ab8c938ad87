/** What gathering a reply needs of a server's runtime: its console, both ways. */
export interface CommandConsole {
  sendCommand(command: string): void;
  onConsoleLine(listener: (line: string) => void): () => void;
}

/** How long the console must stay quiet after a line before the reply counts as complete. */
export const REPLY_QUIET_MS = 250;

/**
 * Sends a command and returns the lines the game printed after it. A game answers a console
 * command at once (within a tick or two), so the reply ends when the console falls quiet after
 * its first line, or at `withinMs` when nothing came. The agent does not judge the lines: what
 * they mean depends on the game, which the panel knows.
 */
export function commandWithReply(runtime: CommandConsole, command: string, withinMs: number, quietMs = REPLY_QUIET_MS): Promise<string[]> {
  const lines: string[] = [];
  return new Promise<string[]>((resolve, reject) => {
    let quiet: NodeJS.Timeout | null = null;
    const finish = () => {
      clearTimeout(deadline);
      if (quiet) clearTimeout(quiet);
      unlisten();
      resolve(lines);
    };
    const deadline = setTimeout(finish, withinMs);
    const unlisten = runtime.onConsoleLine((line) => {
      lines.push(line);
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(finish, quietMs);
    });
    try {
      runtime.sendCommand(command);
    } catch (err) {
      clearTimeout(deadline);
      unlisten();
      reject(err);
    }
  });
}
