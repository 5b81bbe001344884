import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startWireHarness, WireHarness } from './support/wire-harness';

const execFileAsync = promisify(execFile);
const KCAT_AVAILABLE = !spawnSync('kcat', ['-V']).error;

/** Runs kcat asynchronously (the server answering it lives in this process). */
async function kcat(args: string[], input = ''): Promise<{ stdout: string; stderr: string }> {
  const run = execFileAsync('kcat', args, { timeout: 20_000 });
  run.child.stdin?.end(input);
  return run;
}

if (!KCAT_AVAILABLE) {
  describe('kcat over the wire', () => {
    it('needs kcat on PATH', () => {
      throw new Error('kcat is not installed, so the kcat wire tests cannot run: apt-get install -y kcat');
    });
  });
} else {
  describe('kcat (librdkafka) over the wire', () => {
    let harness: WireHarness;
    let base: string[];

    beforeAll(async () => {
      harness = await startWireHarness({ numPartitions: 2 });
      base = ['-b', harness.bootstrap, '-X', 'client.id=kcat-it'];
    });

    afterAll(async () => {
      await harness.stop();
    });

    it('-L lists the broker at the advertised address as controller', async () => {
      const { stdout } = await kcat([...base, '-L']);
      expect(stdout).toContain(`broker 0 at 127.0.0.1:${harness.port} (controller)`);
    });

    it('-P then -C round-trips keyed messages', async () => {
      await kcat([...base, '-P', '-t', 'kcat-rt', '-K', ':'], 'k1:first\nk2:second\nk3:third\n');
      const { stdout } = await kcat([...base, '-C', '-t', 'kcat-rt', '-o', 'beginning', '-e', '-f', '%k=%s\\n']);
      expect(stdout.trim().split('\n').sort()).toEqual(['k1=first', 'k2=second', 'k3=third']);
      const { stdout: listing } = await kcat([...base, '-L', '-t', 'kcat-rt']);
      expect(listing).toContain('topic "kcat-rt" with 2 partitions');
    });

    it('-G consumes as a balanced group member and commits offsets', async () => {
      await kcat([...base, '-P', '-t', 'kcat-group-topic'], 'g1\ng2\n');
      const { stdout } = await kcat([...base, '-G', 'kcat-it-group', '-o', 'beginning', '-e', '-f', '%s\\n', 'kcat-group-topic']);
      expect(stdout.trim().split('\n').sort()).toEqual(['g1', 'g2']);
      const offsets = await harness.broker.offsetFetch({ groupId: 'kcat-it-group', topics: null });
      const committed = offsets.topics.flatMap((t) => t.partitions).reduce((sum, p) => sum + Math.max(0, p.offset), 0);
      expect(committed).toBe(2);
    });
  });
}
