import type { IncomingMessage } from 'node:http';
import type { AppError } from '../../kernel/errors.js';
import { nodeAnswerError, nodeUnreachable } from './agent-errors.js';

/** Reading a node's answer (an IncomingMessage of AgentClient.open). */
export function isOk(res: IncomingMessage): boolean {
  return (res.statusCode ?? 500) < 400;
}

export function answerError(res: IncomingMessage, parsed: unknown, fallback?: string): AppError {
  return nodeAnswerError(
    res.statusCode ?? 500,
    (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error,
    fallback,
  );
}

/** The answer itself when it is a success; otherwise the node's error (its body read) thrown. */
export async function ensureOk(res: IncomingMessage, fallback?: string): Promise<IncomingMessage> {
  if (isOk(res)) return res;
  throw answerError(res, safeJson(await readText(res)), fallback);
}

/** The whole answer; a connection that breaks while it is read is the node not answering. */
export async function readBytes(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of res) chunks.push(chunk as Buffer);
  } catch (err) {
    throw nodeUnreachable(err);
  }
  return Buffer.concat(chunks);
}

/** The whole answer as text. */
export async function readText(res: IncomingMessage): Promise<string> {
  return (await readBytes(res)).toString('utf8');
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
