// Stands in for dockerode's BuildKit session (see lazy-parts.ts): gRPC and protobufjs load
// the first time an image is built with a session.
'use strict';
module.exports = function withSession() {
  return require('dockerode/lib/session.js').apply(this, arguments);
};
