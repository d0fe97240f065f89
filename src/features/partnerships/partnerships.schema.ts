import { z } from 'zod';

export const laCode = z.string().trim().regex(/^\d{3}$/, 'Enter the DfE local authority code: 3 digits, like 886');

export const newPartnership = z.object({
  laCode,
  name: z.string().trim().min(3, 'Enter the partnership name, 3 characters or more').max(200, 'Name must be 200 characters or fewer'),
});

export const childPopulation = z.object({
  childPopulation: z.coerce.number({ error: 'Enter the child population as a whole number' })
    .int('Enter the child population as a whole number').min(0, 'Child population cannot be negative').max(5_000_000, 'Child population looks too large'),
  year: z.coerce.number({ error: 'Enter a year like 2024' }).int().min(2000, 'Enter a year from 2000').max(2100, 'Enter a year before 2100').optional(),
});
