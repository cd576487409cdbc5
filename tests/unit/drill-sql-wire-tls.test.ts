import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RDS_CERTIFICATE_AUTHORITIES } from '../../functions/aws/drill/sql/rds-certificate-authorities.js';
import { postgresWireTransport } from '../../functions/aws/drill/sql/wire-transport.js';

/*
 * The validator's TLS to a restored database: verified against the Amazon RDS certificate authorities and nothing
 * else. An impostor on the path (a server that speaks the Postgres SSLRequest and presents its own certificate for the
 * RDS name) is refused before the client sends who it is or its password; so is a server that declines TLS.
 */

const RDS_HOST = 'irdr-drill-ledger-run-1.abcdefghijkl.us-east-1.rds.amazonaws.com';
let workdir: string;
let impostor: { key: string; cert: string };

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'irdr-tls-'));
  // A certificate for the RDS endpoint's name, signed by nobody RDS knows (openssl, as an attacker would make one).
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${RDS_HOST}`, '-addext', `subjectAltName=DNS:${RDS_HOST},IP:127.0.0.1`, '-keyout', join(workdir, 'key.pem'), '-out', join(workdir, 'cert.pem')], { stdio: 'ignore' });
  impostor = { key: readFileSync(join(workdir, 'key.pem'), 'utf8'), cert: readFileSync(join(workdir, 'cert.pem'), 'utf8') };
});
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

/** A Postgres front that answers the client's SSLRequest with `accept` ('S': TLS with the impostor's certificate, 'N': no TLS) and records what else arrives in the clear or inside TLS. */
async function front(accept: 'S' | 'N'): Promise<{ port: number; received: () => Buffer; close: () => Promise<void> }> {
  let received = Buffer.alloc(0);
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.once('data', (request) => {
      // SSLRequest: length 8, code 80877103.
      expect(request.readInt32BE(4)).toBe(80877103);
      socket.write(accept);
      const stream = accept === 'S' ? new TLSSocket(socket, { isServer: true, key: impostor.key, cert: impostor.cert }) : socket;
      stream.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
      stream.on('error', () => undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => received,
    close: () => new Promise<void>((resolve) => { for (const socket of sockets) socket.destroy(); server.close(() => resolve()); }),
  };
}

const validatorTo = (port: number) =>
  postgresWireTransport({ host: '127.0.0.1', port, user: 'drill_reader', password: 'reader-password', database: 'postgres', ssl: true, ca: RDS_CERTIFICATE_AUTHORITIES, connectTimeoutMs: 3000 });

describe('the validator’s TLS to RDS', () => {
  it('trusts the Amazon RDS root CAs of every region (the global bundle), each a CA certificate, and nothing else', () => {
    const certificates = RDS_CERTIFICATE_AUTHORITIES.map((pem) => new X509Certificate(pem));
    expect(certificates.length).toBeGreaterThan(50);
    expect(certificates.every((certificate) => certificate.ca)).toBe(true);
    const names = new Set(certificates.map((certificate) => /CN=([^\n]+)/.exec(certificate.subject)?.[1]));
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      for (const kind of ['RSA2048', 'RSA4096', 'ECC384']) expect(names, `${region} ${kind}`).toContain(`Amazon RDS ${region} Root CA ${kind} G1`);
    }
    // Every one an Amazon RDS authority issued by one (roots and the regions' intermediates, as in the global bundle):
    // no public CA, since RDS Proxy's chains are left out.
    for (const certificate of certificates) {
      for (const name of [certificate.subject, certificate.issuer]) expect(name.split('\n')).toEqual(expect.arrayContaining(['OU=Amazon RDS', expect.stringMatching(/^CN=Amazon RDS /)]));
    }
  });

  it('refuses an impostor presenting its own certificate for the RDS name, before it sends the user or the password', async () => {
    const impostorFront = await front('S');
    try {
      await expect(validatorTo(impostorFront.port).readOnly(5000, async () => 'read')).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
      expect(impostorFront.received().toString('latin1')).not.toMatch(/drill_reader|reader-password/);
    } finally {
      await impostorFront.close();
    }
  });

  it('refuses a server that declines TLS, and sends nothing in the clear', async () => {
    const plain = await front('N');
    try {
      await expect(validatorTo(plain.port).readOnly(5000, async () => 'read')).rejects.toThrow(/does not support SSL/i);
      expect(plain.received().length).toBe(0);
    } finally {
      await plain.close();
    }
  });
});
