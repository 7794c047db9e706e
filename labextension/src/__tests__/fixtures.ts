/** The protocol's example messages, read from protocol/messages at the repository root. */
import * as fs from 'node:fs';
import * as path from 'node:path';

// Compiled to lib/test/__tests__/, four levels below the repository root.
export const MESSAGES_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'protocol', 'messages');
export const INVALID_DIR = path.join(MESSAGES_DIR, 'invalid');

export function jsonFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter(name => name.endsWith('.json'))
    .sort();
}

export function readMessage(name: string, dir: string = MESSAGES_DIR): any {
  return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf-8'));
}
