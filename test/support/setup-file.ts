// Runs in every test process before its tests: quiet Temporal's runtime logger (warnings and errors only).
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}
