'use strict';
// The programs the benchmark needs from Debian: wrk (the load generator, in C,
// outside Node's event loop) and the Django peer's stack. Installed with
// apt-get when missing; anything else is the caller's to install.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const DJANGO_PACKAGES = ['python3-django', 'python3-djangorestframework', 'python3-djangorestframework-simplejwt', 'python3-django-allauth', 'gunicorn'];
const PYTHON = '/usr/bin/python3';
const GUNICORN = '/usr/bin/gunicorn';

const ok = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

let updated = false;
function aptInstall(packages) {
  if (process.getuid?.() !== 0) throw new Error(`missing ${packages.join(' ')}: install them with apt-get (the benchmark only does it as root)`);
  process.stderr.write(`installing ${packages.join(' ')} with apt-get…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  updated = true;
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed`);
}

function ensureWrk() {
  if (!ok('wrk', ['--version']) && !ok('sh', ['-c', 'command -v wrk'])) aptInstall(['wrk']);
}

function ensureDjango() {
  const importable = () => fs.existsSync(GUNICORN) && ok(PYTHON, ['-c', 'import django, rest_framework, rest_framework_simplejwt, allauth']);
  if (!importable()) aptInstall(DJANGO_PACKAGES);
  if (!importable()) throw new Error(`the Django peer's packages are still missing after apt-get (${DJANGO_PACKAGES.join(' ')})`);
}

module.exports = { ensureDjango, ensureWrk };
