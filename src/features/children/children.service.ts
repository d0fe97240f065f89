export { timescalesOf, type ChildTimescale } from './child-timescales';
export { chronologyOf, coded, EVENT_KINDS, type ChronologyEvent } from './chronology';
export { findChildById, findChildByLaChildId, searchChildren, countChildren } from './children.repository';
