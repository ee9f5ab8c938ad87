// Stands in for docker-modem's ssh transport (see lazy-parts.ts): ssh2 loads the first
// time an ssh:// Docker host is dialled.
'use strict';
module.exports = function sshAgent(opt) {
  return require('docker-modem/lib/ssh.js')(opt);
};
