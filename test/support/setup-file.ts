// Runs in every test process before its tests: quiet Temporal's runtime logger (warnings and errors only).
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}

// The audit chain's HMAC key (ADR 0014) for every test process and the processes they spawn; a test
// that needs other keys calls configureAuditKeys. Test-only, like the per-process JWT secret.
process.env.AUDIT_HMAC_KEYS ??= `test-audit:${Buffer.alloc(32, 7).toString('base64')}`;
// The audit checkpoints' Ed25519 signing key (PKCS#8 DER of a fixed seed), test-only as well.
process.env.AUDIT_SIGNING_KEYS ??= 'test-sign:MC4CAQAwBQYDK2VwBCIEIAkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ';
