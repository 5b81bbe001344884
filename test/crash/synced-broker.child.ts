/**
 * Child process for the consumer-visibility crash test: a disk EmbeddedBroker behind a
 * KafkaWireServer on an ephemeral port ("PORT <n>" on stdout). Its storage's sync seam prints
 * "SYNCED <inode> <bytes>" (a synchronous write to the stdout pipe) after every fdatasync that
 * succeeded, before the broker learns of it, so the parent knows how much of each file a power
 * loss would keep even when it kills this process with SIGKILL.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { EmbeddedBroker } from '@peak/broker';
import { KafkaWireServer } from '@peak/wire';
import { DiskLogStorage } from '../../libs/broker/src/storage';
import { fdatasyncFile } from '../../libs/broker/src/storage/disk/file-sync';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const syncFile = async (fd: number): Promise<void> => {
    const { size, ino } = fs.fstatSync(fd);
    await fdatasyncFile(fd);
    fs.writeSync(1, `SYNCED ${ino} ${size}\n`);
  };
  const broker = await EmbeddedBroker.start({ dataDir, storage: new DiskLogStorage(join(dataDir, 'logs'), { syncFile }) });
  const server = new KafkaWireServer({ broker, port: 0 });
  const { port } = await server.start();
  fs.writeSync(1, `PORT ${port}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
