// The device lab: emulated ARM devices on one Linux machine (network namespaces, OpenSSH, a Docker
// engine per device, qemu-user). Used by `pier lab`, the demo, the tests and the benchmarks.

export { labUp, labDown, labStatus, labCut, labHeal, labRate, labNamesUp, describeLab } from './lab';
export type { LabDownOptions, LabStatus, LabDeviceStatus } from './lab';
export { deviceAccess, sshArgs } from './access';
export type { LabDeviceAccess } from './access';
export { ensureBaseImages, baseImageRef, defaultImageRequests } from './images';
export type { BaseImageReport } from './images';
export { ensureBuildEngine, BUILD_SOCKET, docker, imageInfo, hasImage } from './engine';
export { parseArch, parseRate, DEFAULT_LAB, MAX_DEVICES, stateRoot, cacheRoot } from './names';
export { NOT_ROOT_MESSAGE } from './prereqs';
export { LabError } from './types';
export type { LabArch, LabUpOptions, LabState, LabDeviceState, LabProgress, BaseImageKind, BaseImageRequest } from './types';
