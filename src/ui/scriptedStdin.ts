import { EventEmitter } from 'node:events';

/**
 * A stdin for rendering the dashboard without a terminal (the benchmark's
 * keystroke timing and the component tests): `write` hands Ink one chunk, as
 * a real terminal does for a keystroke or a paste.
 */
export class ScriptedStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read = (): string | null => {
    const data = this.data;
    this.data = null;
    return data;
  };
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
}
