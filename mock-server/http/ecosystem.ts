import type { Handler } from './call.js';
import type { HostContext } from './context.js';
import { containerInfo } from './containers.js';
import { resourceUrlWithToken, ecosystemUrl } from './grants.js';
import { requireEcosystem, requireResource } from './wopi-access.js';
import { officeSafeName } from './names.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/ecosystem/checkecosystem

export function ecosystemHandlers(context: HostContext) {
  const checkEcosystem: Handler = (_req, res, call) => {
    requireEcosystem(call);
    // Spec: SupportsContainers "should match" CheckFileInfo's value.
    res.json({ SupportsContainers: context.store.config.capabilities.containers });
  };

  const getRootContainer: Handler = async (_req, res, call) => {
    const { user, inherited } = requireEcosystem(call);
    const root = await context.files.ensureRoot(user);
    res.json({
      ContainerPointer: { Url: await resourceUrlWithToken(context, user, root, inherited), Name: officeSafeName(root.name) },
      ContainerInfo: containerInfo(context, root),
    });
  };

  const getContainerEcosystem: Handler = async (_req, res, call) => {
    const { user, inherited } = requireResource(call, context, 'container');
    res.json({ Url: await ecosystemUrl(context, user, inherited) });
  };

  return { checkEcosystem, getRootContainer, getContainerEcosystem };
}
