import * as fs from 'node:fs';

/** Makes a file's written data durable (fdatasync), off the event loop. A seam: tests inject failures. */
export type FileSync = (fd: number) => Promise<void>;

export const fdatasyncFile: FileSync = (fd) => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
