import type { Db } from '../create-db';
import { partnershipAgency } from '../../features/partner-data/partner-data.repository';
import { importPartnerCsv } from '../../features/partner-data/partner-data.service';

/**
 * The demo's partner data: the police's and the health board's tables for the last complete financial
 * year, in the shape of the seed annual report's police tables, loaded through the same checks as an upload.
 */

const POLICE = `table,measure,current,previous
Child Protection and Child Sexual Exploitation (12 month rolling),Number of Child Protection Crime (excluding Domestic Abuse Crimes),598,566
Child Protection and Child Sexual Exploitation (12 month rolling),Number of Child Protection Serious Sexual Offences,201,214
Child Protection and Child Sexual Exploitation (12 month rolling),Number of Non-Familial Sexual Crimes - Child Victim,276,259
Child Protection and Child Sexual Exploitation (12 month rolling),Number of Child Protection Crimes for Cruelty and Neglect of Children,148,151
Child Protection and Child Sexual Exploitation (12 month rolling),Number of Child Sexual Exploitation Crimes,312,347
Missing Children (12 month rolling),Number of Missing Children,211,196
Missing Children (12 month rolling),Number of Missing Children Reports,534,561
Missing Children (12 month rolling),Number of Repeat Missing Children,92,92
Missing Children (12 month rolling),Number of Children Missing from Care,41,37
Missing Children (12 month rolling),Number of Repeat Children Missing from Care,23,27
Safety and Anti-Bullying (12 month rolling),Number of Child Suspects of Crimes,1104,1032
Safety and Anti-Bullying (12 month rolling),Number of Domestic Abuse Incidents (Excluding Crimes),2087,2150
Safety and Anti-Bullying (12 month rolling),Number of Domestic Abuse Crimes,3712,3890
Safety and Anti-Bullying (12 month rolling),Number of Domestic Abuse Crimes - Victim Age 16 - 17,98,121
Safety and Anti-Bullying (12 month rolling),Number of Child Victims of Crimes,1546,1489
Safety and Anti-Bullying (12 month rolling),Number of Child Victims of Race Hate Crimes,34,29
`;

const HEALTH = `table,measure,current,previous
Children in Care Health (12 month rolling),Number of Initial Health Assessments for Children in Care,118,104
Children in Care Health (12 month rolling),Number of Review Health Assessments for Children in Care,352,339
Safeguarding in Health (12 month rolling),Number of Referrals to Children's Social Care from Health,1264,1198
Safeguarding in Health (12 month rolling),Number of Attendances at Emergency Departments for Self-Harm (Under 18),287,301
Safeguarding in Health (12 month rolling),Number of Child Protection Medicals,64,58
Safeguarding in Health (12 month rolling),Number of Unborn Babies Referred by Midwifery,143,151
Safeguarding in Health (12 month rolling),Number of Referrals to the Child Sexual Abuse Hub,27,0
`;

/** The last 31 March before today: the end of the last complete financial year. */
export function lastFinancialYearEnd(today: string): string {
  const year = Number(today.slice(0, 4));
  return today.slice(5) > '03-31' ? `${year}-03-31` : `${year - 1}-03-31`;
}

export async function seedPartnerData(db: Db, input: { partnershipId: number; today: string; uploadedBy: string }) {
  const periodEnd = lastFinancialYearEnd(input.today);
  const files = [
    { agency: 'Northmere and Eastholm Police', name: `police-${periodEnd}.csv`, csv: POLICE },
    { agency: 'Northmere Integrated Care Board', name: `icb-${periodEnd}.csv`, csv: HEALTH },
  ];
  for (const f of files) {
    const agency = await partnershipAgency(db, input.partnershipId, f.agency);
    if (!agency) throw new Error(`The demo has no agency ${f.agency}`);
    await importPartnerCsv(db, {
      partnershipId: input.partnershipId, agencyId: agency.id, periodEnd, fileName: f.name, bytes: Buffer.from(f.csv),
      uploadedBy: input.uploadedBy, now: new Date(`${input.today}T09:00:00Z`),
    });
  }
  return { periodEnd };
}
