/**
 * Entry of the worker thread that imports one BPMN document (issue 11.5): the XML parse and the
 * conversion run here, off the API's event loop, and the result (plain JSON) is posted back.
 * Started by {@link importBpmnOffThread} (api/bpmn-import.ts), one thread per import.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fromBpmnXml } from './from-bpmn.js';

const { xml } = workerData as { xml: string };
const result = await fromBpmnXml(xml);
parentPort!.postMessage(JSON.parse(JSON.stringify(result)));
