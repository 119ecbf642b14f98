/**
 * ObjectStore over a local copy of a bucket (`verify --local DIR`): the key `a/b/c.json` is the
 * file `DIR/a/b/c.json`, as `npm run demo -- --keep DIR` or `aws s3 sync s3://bucket DIR` leave
 * it. Read-only: nothing verifies by writing.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ObjectStore, PutOutcome, StoredObject } from '../lambdas/integrity/object-store.js';

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export class LocalObjectStore implements ObjectStore {
  readonly name: string;

  constructor(private readonly root: string) {
    this.name = root;
  }

  private path(key: string): string {
    if (key.split('/').some((part) => part === '..')) throw new Error(`key ${key} leaves ${this.root}`);
    return join(this.root, ...key.split('/'));
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      return { body: await readFile(this.path(key)), metadata: {} };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    // The deepest folder the prefix names; keys below it are filtered by the rest of the prefix.
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const base = this.path(folder);
    let entries: Dirent[];
    try {
      entries = await readdir(base, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const keys: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const key = folder + relative(base, join(entry.parentPath, entry.name)).split(sep).join('/');
      if (key.startsWith(prefix)) keys.push(key);
    }
    return keys.sort();
  }

  async listFolders(prefix: string): Promise<string[]> {
    try {
      const entries = await readdir(this.path(prefix), { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  putCreateOnly(key: string): Promise<PutOutcome> {
    return Promise.reject(new Error(`${relative('.', this.path(key))}: a local copy is read-only`));
  }
}
