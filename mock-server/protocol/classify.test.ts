import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRequest } from './classify.js';

describe('classifyRequest', () => {
  const cases: Array<[string, string, Record<string, string>, string, string?]> = [
    ['GET', '/wopibootstrapper', {}, 'Bootstrap'],
    ['POST', '/wopibootstrapper', { 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN' }, 'GetNewAccessToken'],
    ['POST', '/wopibootstrapper', { 'x-wopi-ecosystemoperation': ' get_root_container ' }, 'GetRootContainer(bootstrapper)'],
    ['POST', '/wopibootstrapper', { 'x-wopi-ecosystemoperation': 'SOMETHING_NEW' }, 'Bootstrap'],
    ['POST', '/wopibootstrapper', {}, 'Bootstrap'],
    ['GET', '/oauth/authorize', {}, 'Authorize'],
    ['POST', '/oauth/token', {}, 'Token'],
    ['GET', '/wopi/ecosystem', {}, 'CheckEcosystem'],
    ['GET', '/wopi/ecosystem/root_container_pointer', {}, 'GetRootContainer'],
    ['GET', '/wopi/files/f1', {}, 'CheckFileInfo', 'file:f1'],
    ['GET', '/wopi/files/f1/contents', {}, 'GetFile', 'file:f1'],
    ['POST', '/wopi/files/f1/contents', { 'x-wopi-override': 'PUT' }, 'PutFile', 'file:f1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'LOCK' }, 'Lock', 'file:f1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'LOCK', 'x-wopi-oldlock': 'a' }, 'UnlockAndRelock', 'file:f1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'GET_LOCK' }, 'GetLock', 'file:f1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'REFRESH_LOCK' }, 'RefreshLock', 'file:f1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'unlock' }, 'Unlock', 'file:f1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'PUT_RELATIVE' }, 'PutRelativeFile', 'file:f1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'RENAME_FILE' }, 'RenameFile', 'file:f1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'DELETE' }, 'DeleteFile', 'file:f1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'PUT_USER_INFO' }, 'PutUserInfo', 'file:f1'],
    ['POST', '/wopi/containers/c1', { 'x-wopi-override': 'CREATE_CHILD_CONTAINER' }, 'CreateChildContainer', 'container:c1'],
    ['POST', '/wopi/containers/c1', { 'x-wopi-override': 'DELETE_CONTAINER' }, 'DeleteContainer', 'container:c1'],
    ['POST', '/wopi/containers/c1', { 'x-wopi-override': 'RENAME_CONTAINER' }, 'RenameContainer', 'container:c1'],
    ['POST', '/wopi/containers/c1', { 'x-wopi-override': 'DELETE' }, 'Unknown', 'container:c1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'BOGUS' }, 'Unknown', 'file:f1'],
    ['GET', '/wopi/files/f1/ancestry', {}, 'EnumerateAncestors(file)', 'file:f1'],
    ['GET', '/wopi/containers/c1', {}, 'CheckContainerInfo', 'container:c1'],
    ['GET', '/wopi/containers/c1/children', {}, 'EnumerateChildren', 'container:c1'],
    ['GET', '/wopi/containers/c1/children/', {}, 'EnumerateChildren', 'container:c1'],
    ['POST', '/wopi/containers/c1', { 'x-wopi-override': 'CREATE_CHILD_FILE' }, 'CreateChildFile', 'container:c1'],
    ['GET', '/wopi/files/f1/children', {}, 'Unknown', 'file:f1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'GET_SHARE_URL' }, 'GetShareUrl(file)', 'file:f1'],
    ['POST', '/wopi/containers/c1', { 'x-wopi-override': 'GET_SHARE_URL' }, 'GetShareUrl(container)', 'container:c1'],
    ['POST', '/wopi/files/f1', { 'x-wopi-override': 'ADD_ACTIVITIES' }, 'AddActivities', 'file:f1'],
    ['POST', '/wopi/containers/c1', { 'x-wopi-override': 'ADD_ACTIVITIES' }, 'Unknown', 'container:c1'],
    ['GET', '/share/eyJ.a.b', {}, 'SharePage'],
    ['GET', '/share/eyJ.a.b/', {}, 'SharePage'],
    ['GET', '/share/eyJ.a.b/content', {}, 'ShareDownload'],
    ['GET', '/share/eyJ.a.b/other', {}, 'Unknown'],
    ['GET', '/share', {}, 'Unknown'],
    ['GET', '/ca.crt', {}, 'CaCertificate'],
    ['GET', '/favicon.ico', {}, 'Unknown'],
  ];
  for (const [method, path, headers, operation, resource] of cases) {
    test(`${method} ${path} ${JSON.stringify(headers)} → ${operation}`, () => {
      const result = classifyRequest(method, path, headers);
      assert.equal(result.operation, operation);
      assert.equal(result.resource ? `${result.resource.kind}:${result.resource.id}` : undefined, resource);
    });
  }
});
