/** The protocol's shared files, read from protocol/ at the repository root. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { IStandingPayload, parseMessage } from '../protocol';

// Compiled to lib/test/__tests__/, four levels below the repository root.
export const PROTOCOL_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'protocol');
export const MESSAGES_DIR = path.join(PROTOCOL_DIR, 'messages');
export const INVALID_DIR = path.join(MESSAGES_DIR, 'invalid');

export function jsonFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter(name => name.endsWith('.json'))
    .sort();
}

export function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

/** A file of protocol/, by its path there ("format.json", "saved/format1.json"). */
export function readProtocol(relative: string): any {
  return readJson(path.join(PROTOCOL_DIR, relative));
}

export function readMessage(name: string, dir: string = MESSAGES_DIR): any {
  return readJson(path.join(dir, name));
}

/** The payload of an example standing message, through the parser (a fresh copy each time). */
export function standingPayload(name = 'standing.json'): IStandingPayload {
  const message = parseMessage(readMessage(name));
  assert.ok(message && message.type === 'standing', `${name} is a standing message`);
  return message.payload;
}
