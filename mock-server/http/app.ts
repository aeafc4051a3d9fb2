import express, { type Express, type Request, type Response } from 'express';
import { Operation, type OperationName } from '../protocol/operations.js';
import { WopiHeader, WopiOverride } from '../protocol/headers.js';
import { explainSwitchedOff, switchedOff } from '../protocol/capabilities.js';
import { notFound, notImplemented } from '../errors.js';
import type { Call, Handler } from './call.js';
import type { HostContext } from './context.js';
import { applyFaults } from './faults.js';
import { respondWithError } from './map-errors.js';
import { identifyCaller, readForm, startCall } from './pipeline.js';
import { captureResponseBodies } from './record.js';
import { bootstrapHandlers } from './bootstrap.js';
import { oauthHandlers } from './oauth.js';
import { ecosystemHandlers } from './ecosystem.js';
import { fileHandlers } from './files.js';
import { containerHandlers } from './containers.js';
import { fileContentHandlers } from './file-content.js';
import { lockHandlers } from './locks.js';
import { deviceSetupHandlers } from './device-setup.js';
import { shareHandlers } from './share.js';
import { activityHandlers } from './activities.js';

/**
 * The WOPI origin's Express app (exported without listening). Requests are dispatched on the
 * operation name the pipeline classified, so the log, the fault rules and the handlers can
 * never disagree about what a request was.
 */
export function createWopiApp(context: HostContext): Express {
  const bootstrap = bootstrapHandlers(context);
  const oauth = oauthHandlers(context);
  const ecosystem = ecosystemHandlers(context);
  const files = fileHandlers(context);
  const containers = containerHandlers(context);
  const content = fileContentHandlers(context);
  const locks = lockHandlers(context);
  const deviceSetup = deviceSetupHandlers(context);
  const share = shareHandlers(context);
  const activities = activityHandlers(context);

  const handlers: Partial<Record<OperationName, Handler>> = {
    [Operation.Bootstrap]: bootstrap.bootstrap,
    [Operation.GetFileWopiSrcBootstrapper]: bootstrap.bootstrap, // Spec (shortcuts): unimplemented shortcuts answer as Bootstrap.
    [Operation.GetNewAccessToken]: bootstrap.getNewAccessToken,
    [Operation.GetRootContainerBootstrapper]: bootstrap.getRootContainer,
    [Operation.Authorize]: oauth.authorize,
    [Operation.Token]: oauth.token,
    [Operation.Revoke]: oauth.revoke,
    [Operation.CheckEcosystem]: ecosystem.checkEcosystem,
    [Operation.GetRootContainer]: ecosystem.getRootContainer,
    [Operation.CheckFileInfo]: files.checkFileInfo,
    [Operation.GetFile]: files.getFile,
    [Operation.EnumerateAncestorsFile]: files.enumerateAncestors,
    [Operation.GetEcosystemFile]: files.getEcosystem,
    [Operation.PutFile]: content.putFile,
    [Operation.PutRelativeFile]: content.putRelativeFile,
    [Operation.Lock]: locks.lock,
    [Operation.GetLock]: locks.getLock,
    [Operation.RefreshLock]: locks.refreshLock,
    [Operation.Unlock]: locks.unlock,
    [Operation.UnlockAndRelock]: locks.unlockAndRelock,
    [Operation.RenameFile]: files.renameFile,
    [Operation.DeleteFile]: files.deleteFile,
    [Operation.PutUserInfo]: files.putUserInfo,
    [Operation.GetShareUrlFile]: share.getShareUrlFile,
    [Operation.AddActivities]: activities.addActivities,
    [Operation.CheckContainerInfo]: containers.checkContainerInfo,
    [Operation.EnumerateChildren]: containers.enumerateChildren,
    [Operation.EnumerateAncestorsContainer]: containers.enumerateAncestors,
    [Operation.CreateChildFile]: containers.createChildFile,
    [Operation.CreateChildContainer]: containers.createChildContainer,
    [Operation.DeleteContainer]: containers.deleteContainer,
    [Operation.RenameContainer]: containers.renameContainer,
    [Operation.GetEcosystemContainer]: ecosystem.getContainerEcosystem,
    [Operation.GetShareUrlContainer]: share.getShareUrlContainer,
    [Operation.SharePage]: share.sharePage,
    [Operation.ShareDownload]: share.shareDownload,
    [Operation.CaCertificate]: deviceSetup.caCertificate,
    [Operation.CaMobileConfig]: deviceSetup.mobileConfig,
    [Operation.DeviceSetup]: deviceSetup.setupPage,
  };

  const unhandled: Handler = (req, _res, call) => {
    // A known resource with an operation this host lacks is "not implemented"; anything else is not ours.
    if (call.resource && call.operation === Operation.Unknown && req.method !== 'GET' && req.method !== 'HEAD') {
      if (req.method !== 'POST')
        throw notImplemented(`${req.method} is not a WOPI method: reads are GET, changes are POST with X-WOPI-Override`);
      const override = JSON.stringify(String(req.headers[WopiHeader.Override] ?? ''));
      if (call.resource.kind === 'file' && /\/contents\/?$/.test(req.path))
        throw notImplemented(`X-WOPI-Override ${override} is not implemented for file contents; PutFile takes "${WopiOverride.Put}"`);
      throw notImplemented(`X-WOPI-Override ${override} is not implemented for ${call.resource.kind}s`);
    }
    if (call.operation !== Operation.Unknown) throw notImplemented(`${call.operation} is not implemented by this host`);
    throw notFound(`nothing here: ${req.method} ${req.path}`);
  };

  // A capability switched off answers as a host without the feature would, whatever the credentials.
  const handlerFor = (call: Call): Handler => {
    const off = switchedOff(call.operation, context.store.config.capabilities);
    if (!off) return handlers[call.operation] ?? unhandled;
    if (off.answer === 'bootstrap') {
      call.notes.push(explainSwitchedOff(call.operation, off));
      return bootstrap.bootstrap;
    }
    return () => {
      throw notImplemented(explainSwitchedOff(call.operation, off));
    };
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  captureResponseBodies(app, context.logBodyLimit);
  // The steps run synchronously for as long as each one is: only a step that has to wait (a form
  // body, a token check, a fault's delay, a handler's I/O) returns a promise, and only then does
  // the rest wait for it. The unauthenticated bootstrapper 401, the hottest path, never waits.
  const afterFaults = (req: Request, res: Response, call: Call, dealtWith: boolean): Promise<void> | void =>
    dealtWith ? undefined : handlerFor(call)(req, res, call);
  const afterCaller = (req: Request, res: Response, call: Call): Promise<void> | void => {
    const faulted = applyFaults(req, res, call, context);
    return typeof faulted === 'boolean'
      ? afterFaults(req, res, call, faulted)
      : faulted.then((dealtWith) => afterFaults(req, res, call, dealtWith));
  };
  const afterForm = (req: Request, res: Response, call: Call): Promise<void> | void => {
    const identified = identifyCaller(req, call, context);
    return identified ? identified.then(() => afterCaller(req, res, call)) : afterCaller(req, res, call);
  };
  app.use((req: Request, res: Response) => {
    const call = startCall(req, res, context);
    try {
      const form = readForm(req, res, call);
      const pending = form ? form.then(() => afterForm(req, res, call)) : afterForm(req, res, call);
      // Returned to the router, which passes on anything respondWithError itself throws.
      if (pending) return pending.catch((error: unknown) => respondWithError(error, req, res, call, context));
    } catch (error) {
      respondWithError(error, req, res, call, context);
    }
    return undefined;
  });
  return app;
}
