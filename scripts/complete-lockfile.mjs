#!/usr/bin/env node
/**
 * Adds lock entries for platform-specific optional packages that this machine's npm registry does
 * not serve (e.g. @swc/core-darwin-arm64): npm then leaves them out of package-lock.json, and
 * `npm ci` rejects the lock ("Missing: … from lock file"). Each added entry carries the os/cpu/libc
 * that its name declares, so npm skips it on every other platform, exactly as with a normal lock.
 * Run after `npm install`: `node scripts/complete-lockfile.mjs`.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const OS = { darwin: 'darwin', linux: 'linux', win32: 'win32', freebsd: 'freebsd', android: 'android', openharmony: 'openharmony', wasm32: null };
const CPU = ['x64', 'arm64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => p in OS);
  const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.includes('universal') ? null : undefined);
  const libc = parts.includes('musl') || parts.includes('musleabihf') ? 'musl' : parts.includes('gnu') || parts.includes('gnueabihf') ? 'glibc' : undefined;
  return { os: os && OS[os] ? [OS[os]] : undefined, cpu: cpu ? [cpu] : undefined, libc: libc && os === 'linux' ? [libc] : undefined };
}

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location ? `${location}/node_modules/${dep}` : `node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (lock.packages[base] || lock.packages[hoisted]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os && !cpu) continue; // not a platform binary: leave it to npm
    lock.packages[hoisted] = { version: spec.replace(/^[\^~=]/, ''), optional: true, ...(os && { os }), ...(cpu && { cpu }), ...(libc && { libc }) };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform-specific optional entries`);
