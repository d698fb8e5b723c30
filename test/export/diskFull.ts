/** Export file openers (ExportOptions.openFile) that act before each write: a cancel, a full disk. */
import { open } from 'node:fs/promises';

/** Opens the file as the export does, calling `beforeWrite` with each write's number (from 1) before it is done. */
export function openFileWith(beforeWrite: (write: number) => void | Promise<void>) {
  let writes = 0;
  return async (path: string) => {
    const handle = await open(path, 'wx');
    return {
      write: async (buffer: Uint8Array, offset: number, length: number) => {
        await beforeWrite(++writes);
        return handle.write(buffer, offset, length);
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  };
}

/** The `failingWrite`-th write fails as a full disk does. */
export function diskFullOnWrite(failingWrite: number) {
  return openFileWith((write) => {
    if (write === failingWrite) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  });
}
