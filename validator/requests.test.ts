import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MutatorDefinition, RequestDefinition } from './model.js';
import { buildRequest, mutateAccessToken, RequestBuildError, type BuildContext } from './requests.js';
import { Resources } from './resources.js';

const target = { wopiSrc: 'https://host:8443/wopi/files/F1', accessToken: 'tok.en', accessTokenTtl: 1700000000000 };
const resources = new Resources([
  { id: 'WordSimpleDocument', name: 'WordSimpleDocument.docx', filePath: 'Resources\\WordSimpleDocument.docx' },
]);
const tokenQuery = 'access_token=tok%2Een&access_token_ttl=1700000000000';

function request(
  operation: string,
  attributes: Record<string, string> = {},
  mutators: MutatorDefinition[] = [],
  requestBody?: string,
): RequestDefinition {
  return { operation, attributes, validators: null, stateSavers: [], mutators, requestBody };
}
function context(state: Record<string, string | null> = {}): BuildContext {
  return { target, state: new Map(Object.entries(state)), resources };
}

describe('buildRequest on the WopiSrc', () => {
  test('CheckFileInfo: GET, token and ttl in the query, Bearer header', () => {
    assert.deepEqual(buildRequest(request('CheckFileInfo'), context()), {
      request: {
        method: 'GET',
        url: `https://host:8443/wopi/files/F1?${tokenQuery}`,
        headers: [['Authorization', 'Bearer tok.en']],
        body: null,
      },
      isTextResponse: true,
      bare: false,
    });
  });
  test('Lock: POST with the lock, then X-WOPI-Override, then Authorization', () => {
    assert.deepEqual(buildRequest(request('Lock', { Lock: 'LockString' }), context()).request.headers, [
      ['X-WOPI-Lock', 'LockString'],
      ['X-WOPI-Override', 'LOCK'],
      ['Authorization', 'Bearer tok.en'],
    ]);
  });
  test('UnlockAndRelock sends LOCK with both locks; a missing lock attribute is an empty header', () => {
    assert.deepEqual(buildRequest(request('UnlockAndRelock', { NewLock: 'New', OldLock: 'Old' }), context()).request.headers.slice(0, 3), [
      ['X-WOPI-Lock', 'New'],
      ['X-WOPI-OldLock', 'Old'],
      ['X-WOPI-Override', 'LOCK'],
    ]);
    assert.deepEqual(buildRequest(request('Unlock'), context()).request.headers[0], ['X-WOPI-Lock', '']);
  });
  test('GetFile: /contents, binary, and its Lock attribute is ignored (the validator reads NewLock)', () => {
    const built = buildRequest(request('GetFile', { Lock: 'LockString' }), context());
    assert.equal(built.request.url, `https://host:8443/wopi/files/F1/contents?${tokenQuery}`);
    assert.deepEqual(built.request.headers, [['Authorization', 'Bearer tok.en']]);
    assert.equal(built.isTextResponse, false);
  });
  test('PutFile: the resource content as body, lock only when given', () => {
    const built = buildRequest(request('PutFile', { Lock: 'L', ResourceId: 'WordSimpleDocument' }), context());
    assert.equal(built.request.url, `https://host:8443/wopi/files/F1/contents?${tokenQuery}`);
    assert.deepEqual(built.request.headers.slice(0, 2), [
      ['X-WOPI-Lock', 'L'],
      ['X-WOPI-Override', 'PUT'],
    ]);
    assert.equal(built.request.body?.toString(), 'WordSimpleDocumentResources\\WordSimpleDocument.docxWordSimpleDocument.docx');
    assert.deepEqual(buildRequest(request('PutFile', { ResourceId: 'WordSimpleDocument' }), context()).request.headers[0], [
      'X-WOPI-Override',
      'PUT',
    ]);
  });
  test('PutRelativeFile modes: size, UTF-7 targets, OverwriteRelative as .NET prints it', () => {
    const suggested = buildRequest(
      request('PutRelativeFile', { PutRelativeFileMode: 'Suggested', Name: 'madeup_name.wopitestx', ResourceId: 'WordSimpleDocument' }),
      context(),
    );
    assert.deepEqual(suggested.request.headers.slice(0, 3), [
      ['X-WOPI-Size', '74'],
      ['X-WOPI-SuggestedTarget', 'madeup+AF8-name.wopitestx'],
      ['X-WOPI-Override', 'PUT_RELATIVE'],
    ]);
    const exact = buildRequest(
      request('PutRelativeFile', {
        PutRelativeFileMode: 'exactname',
        Name: 'a.wopitest',
        ResourceId: 'WordSimpleDocument',
        OverwriteRelative: 'true',
      }),
      context(),
    );
    assert.deepEqual(exact.request.headers.slice(1, 3), [
      ['X-WOPI-RelativeTarget', 'a.wopitest'],
      ['X-WOPI-OverwriteRelativeTarget', 'True'],
    ]);
    const conflicting = buildRequest(
      request('PutRelativeFile', {
        PutRelativeFileMode: 'Conflicting',
        Name: 'a.wopitest',
        ResourceId: 'WordSimpleDocument',
        OverwriteRelative: 'false',
      }),
      context(),
    );
    assert.deepEqual(conflicting.request.headers.slice(1, 4), [
      ['X-WOPI-SuggestedTarget', 'a.wopitest'],
      ['X-WOPI-RelativeTarget', 'a.wopitest'],
      ['X-WOPI-Override', 'PUT_RELATIVE'],
    ]);
  });
  test('what the validator cannot build is an error naming the problem', () => {
    assert.throws(
      () => buildRequest(request('PutRelativeFile', { PutRelativeFileMode: 'Suggested', ResourceId: 'WordSimpleDocument' }), context()),
      new RequestBuildError('Requested name for a PutRelativeFile Wopi request cannot be null or empty'),
    );
    assert.throws(
      () => buildRequest(request('CreateChildContainer', { FolderName: 'f' }), context()),
      new RequestBuildError(
        'Unknown PutRelativeFileMode specified: Unknown (the <CreateChildContainer> element needs PutRelativeFileMode)',
      ),
    );
    assert.throws(
      () => buildRequest(request('PutFile', { ResourceId: 'Nope' }), context()),
      /Resource with resourceId 'Nope' doesn't exist\./,
    );
    assert.throws(
      () => buildRequest(request('PutUserInfo'), context()),
      new RequestBuildError('No RequestBody specified for PutUserInfo operation'),
    );
    assert.throws(
      () => buildRequest(request('GetCoauthLock'), context()),
      new RequestBuildError('<GetCoauthLock> is not supported by this runner (only the WopiCore and OfficeNativeClient operations are)'),
    );
    assert.throws(() => buildRequest(request('constructor'), context()), RequestBuildError);
  });
});

describe('buildRequest with OverrideUrl', () => {
  const containerUrl = 'https://host:8443/wopi/containers/C1?access_token=ctok';
  test('a saved URL is used as is, with the path suffix before its query and its own token', () => {
    const built = buildRequest(
      request('EnumerateChildren', { OverrideUrl: '$State:ParentContainerUrl', FileExtensionFilterList: '.wopitest,.docx' }),
      context({ ParentContainerUrl: containerUrl }),
    );
    assert.deepEqual(built.request, {
      method: 'GET',
      url: 'https://host:8443/wopi/containers/C1/children?access_token=ctok',
      headers: [
        ['X-WOPI-FileExtensionFilterList', '.wopitest,.docx'],
        ['Authorization', 'Bearer ctok'],
      ],
      body: null,
    });
  });
  test('CreateChildFile goes to the container URL itself, with the UTF-7 name', () => {
    const built = buildRequest(
      request('CreateChildFile', { OverrideUrl: '$State:ParentContainerUrl', PutRelativeFileMode: 'ExactName', Name: 'new_file.wopitest' }),
      context({ ParentContainerUrl: containerUrl }),
    );
    assert.equal(built.request.url, containerUrl);
    assert.deepEqual(built.request.headers, [
      ['X-WOPI-RelativeTarget', 'new+AF8-file.wopitest'],
      ['X-WOPI-Override', 'CREATE_CHILD_FILE'],
      ['Authorization', 'Bearer ctok'],
    ]);
  });
  test('a saved null falls back to the WopiSrc, except for deletes', () => {
    assert.equal(
      buildRequest(request('CheckContainerInfo', { OverrideUrl: '$State:ParentContainerUrl' }), context({ ParentContainerUrl: null }))
        .request.url,
      `https://host:8443/wopi/files/F1?${tokenQuery}`,
    );
    assert.throws(
      () => buildRequest(request('DeleteFile', { OverrideUrl: '$State:NewFileUrl' }), context({ NewFileUrl: null })),
      /DeleteFile has no URL/,
    );
  });
  test('a name no request saved is an error', () => {
    assert.throws(
      () => buildRequest(request('DeleteFile', { OverrideUrl: '$State:NewFileUrl' }), context()),
      /OverrideUrl specified in definition but not found in state dictionary/,
    );
  });
  test('RenameFile and RenameContainer send RequestedName as UTF-7, RenameFile also the lock', () => {
    assert.deepEqual(buildRequest(request('RenameFile', { Name: 'madeup_renamed' }), context()).request.headers.slice(0, 3), [
      ['X-WOPI-RequestedName', 'madeup+AF8-renamed'],
      ['X-WOPI-Lock', ''],
      ['X-WOPI-Override', 'RENAME_FILE'],
    ]);
    assert.deepEqual(
      buildRequest(
        request('RenameContainer', { OverrideUrl: '$State:F', Name: 'container_name' }),
        context({ F: containerUrl }),
      ).request.headers.slice(0, 2),
      [
        ['X-WOPI-RequestedName', 'container+AF8-name'],
        ['X-WOPI-Override', 'RENAME_CONTAINER'],
      ],
    );
  });
  test('GetFromFileUrl is a bare GET of the saved URL', () => {
    assert.deepEqual(
      buildRequest(request('GetFromFileUrl', { OverrideUrl: '$State:FileUrl' }), context({ FileUrl: 'https://cdn.example/f?sig=1' })),
      {
        request: { method: 'GET', url: 'https://cdn.example/f?sig=1', headers: [], body: null },
        isTextResponse: true,
        bare: true,
      },
    );
  });
});

describe('AccessToken mutator', () => {
  test('replaces the token in the query and the Authorization header', () => {
    const built = buildRequest(request('CheckFileInfo', {}, [{ kind: 'AccessToken', mutation: 'INVALID' }]), context());
    assert.equal(built.request.url, 'https://host:8443/wopi/files/F1?access_token=INVALID&access_token_ttl=1700000000000');
    assert.deepEqual(built.request.headers, [['Authorization', 'Bearer INVALID']]);
  });
  test('without a Mutation, a fresh GUID; a ProofKey mutator changes nothing without proof keys', () => {
    assert.match(
      mutateAccessToken([{ kind: 'AccessToken', mutation: undefined }], 'tok'),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(mutateAccessToken([{ kind: 'ProofKey' }], 'tok'), 'tok');
  });
});
