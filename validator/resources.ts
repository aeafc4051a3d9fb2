import type { ResourceDefinition } from './model.js';

/** A resource id a test uses but `<Resources>` does not define. */
export class ResourceError extends Error {}

/**
 * The bodies PutFile and PutRelativeFile upload. The validator's documents under `Resources\` are not
 * in its repository; it uploads `ResourceId + FilePath + Name` as UTF-8 instead, and nothing for
 * `ZeroByteFile.wopitest` (validator `ResourceManagement/Resource.cs`). This does the same.
 */
export class Resources {
  private readonly byId: Map<string, ResourceDefinition>;

  constructor(definitions: ResourceDefinition[]) {
    this.byId = new Map(definitions.map((d) => [d.id, d]));
  }

  content(resourceId: string | undefined): Buffer {
    const resource = this.lookup(resourceId);
    return Buffer.from(resource.name === 'ZeroByteFile.wopitest' ? '' : resource.id + resource.filePath + resource.name, 'utf8');
  }

  private lookup(resourceId: string | undefined): ResourceDefinition {
    if (resourceId === undefined) throw new ResourceError('the request names no ResourceId');
    if (resourceId === '') throw new ResourceError('ResourceId cannot be empty');
    const resource = this.byId.get(resourceId);
    if (!resource) throw new ResourceError(`Resource with resourceId '${resourceId}' doesn't exist.`);
    return resource;
  }
}
