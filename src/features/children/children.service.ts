export { findChildById, findChildByLaChildId, searchChildren, countChildren } from './children.repository';
