/**
 * docker-compose.yml cannot be run on the machine this project is developed on (no Docker
 * engine), so it is checked here instead: it parses, every service is wired to Kafka and
 * PostgreSQL the same way, every variable it sets is one the apps read, ports do not clash,
 * and the image the Dockerfile builds runs an app that exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');
const APP_SERVICES = ['order-service', 'auth', 'course-validation', 'payment'];

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;

/** Every environment variable name the apps and libraries read (validated config classes or process.env). */
function variablesTheCodeReads(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        const src = readFileSync(full, 'utf8');
        for (const m of src.matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)/g)) names.add(m[1]);
        for (const m of src.matchAll(/^\s+([A-Z][A-Z0-9_]+)[!?]?\s*[:=]/gm)) names.add(m[1]);
      }
    }
  };
  walk(join(ROOT, 'apps'));
  walk(join(ROOT, 'libs'));
  return names;
}

describe('docker-compose.yml', () => {
  it('has PostgreSQL, Apache Kafka in KRaft mode and every service', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'kafka', ...APP_SERVICES]));
    expect(services.kafka.image).toMatch(/^apache\/kafka:/);
    expect(String(services.kafka.environment?.KAFKA_PROCESS_ROLES)).toBe('broker,controller');
  });

  it.each(APP_SERVICES)('wires %s to the Kafka listener and the database the other services declare', (name) => {
    const env = services[name].environment ?? {};
    const kafkaEnv = services.kafka.environment ?? {};
    const advertised = String(kafkaEnv.KAFKA_ADVERTISED_LISTENERS).split(',').map((l) => l.replace(/^[A-Z]+:\/\//, ''));
    expect(advertised).toContain(String(env.KAFKA_BROKERS));
    const pg = services.postgres.environment ?? {};
    const url = new URL(String(env.DATABASE_URL));
    expect([url.hostname, url.port, url.username, url.password, url.pathname.slice(1)]).toEqual(['postgres', '5432', String(pg.POSTGRES_USER), String(pg.POSTGRES_PASSWORD), String(pg.POSTGRES_DB)]);
    expect(services[name].depends_on).toEqual({ kafka: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
  });

  it('gives every dependency a health check the services wait for', () => {
    expect(services.kafka.healthcheck?.test.join(' ')).toContain('kafka-broker-api-versions.sh');
    expect(services.postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
  });

  it('sets only variables the code reads', () => {
    const known = variablesTheCodeReads();
    for (const name of APP_SERVICES) {
      const unknown = Object.keys(services[name].environment ?? {}).filter((v) => !known.has(v));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
    }
  });

  it.each(APP_SERVICES)('sets the port variable %s itself listens on, and publishes that port', (name) => {
    const app = services[name].build?.args?.APP ?? '';
    const main = readFileSync(join(ROOT, 'apps', app, 'src', 'main.ts'), 'utf8');
    const portVar = /port:\s*Number\(process\.env\.([A-Z_]+)/.exec(main)?.[1];
    expect(portVar).toBeDefined();
    const value = String(services[name].environment?.[portVar as string]);
    expect(value).toMatch(/^\d+$/);
    for (const mapping of services[name].ports ?? []) expect(mapping.split(':')[1]).toBe(value);
  });

  it('publishes no host port twice', () => {
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((m) => m.split(':')[0]));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('builds each service from the Dockerfile with an APP that is a Nest application', () => {
    const nestCli = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as { projects: Record<string, { type: string; sourceRoot: string }> };
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('dist/apps/${APP}/src/main.js');
    for (const name of APP_SERVICES) {
      const app = services[name].build?.args?.APP ?? '';
      expect(nestCli.projects[app]?.type).toBe('application');
      expect(existsSync(join(ROOT, nestCli.projects[app].sourceRoot, 'main.ts'))).toBe(true);
    }
  });
});
