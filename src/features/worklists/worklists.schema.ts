import { z } from 'zod';
import { isIsoDate } from '../../domain/calendar';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const newTeam = z.object({
  name: z.string({ error: 'Enter the team’s name' }).trim().min(2, 'Enter the team’s name').max(100, 'The team’s name must be 100 characters or fewer'),
});

export const newAllocation = z.object({
  childId: z.string({ error: 'Select the child' }).regex(UUID, 'Select the child'),
  userId: z.coerce.number({ error: 'Select the worker' }).int().positive('Select the worker'),
  teamId: z.coerce.number({ error: 'Select the team' }).int().positive('Select the team').nullable().optional(),
  fromDate: z.string({ error: 'Enter the date the allocation starts' }).refine(isIsoDate, 'Enter the date the allocation starts as a real date, YYYY-MM-DD'),
});

/** The team list's filters, from the address: a worker in the teams and the child's most urgent status. */
export const teamFilter = z.object({
  worker: z.string({ error: 'Select a worker from the list' }).regex(/^\d{1,9}$/, 'Select a worker from the list').or(z.literal('')).optional(),
  status: z.enum(['', 'overdue', 'due_soon'], { error: 'Select overdue, due soon or every status' }).optional(),
});

/** The outside-the-home list's filters: checked against the partnership's own localities and places afterwards. */
export const outsideHomeFilter = z.object({
  locality: z.string({ error: 'Select a locality from the list' }).max(100, 'Select a locality from the list').optional(),
  place: z.string({ error: 'Select a place of concern from the list' }).max(100, 'Select a place of concern from the list').optional(),
});
