// Spec: Office iOS fails to load items whose names contain any of these; replace them with "-"
// (https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/mobile/issues/invalid-characters).
const invalidInOfficeNames = /[\\/:*?"<>|#{}^[\]`%]/g;

export function officeSafeName(name: string): string {
  return name.replace(invalidInOfficeNames, '-');
}
