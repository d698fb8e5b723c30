/** An export's file opener (ExportOptions.openFile) whose `failingWrite`-th write fails as a full disk does. */
import { open } from 'node:fs/promises';

export function diskFullOnWrite(failingWrite: number) {
  let writes = 0;
  return async (path: string) => {
    const handle = await open(path, 'wx');
    return {
      write: async (buffer: Uint8Array, offset: number, length: number) => {
        if (++writes === failingWrite) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return handle.write(buffer, offset, length);
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  };
}
