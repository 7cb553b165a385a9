-- Pilot designations by lead ministry, 2013-2019, with each ministry's share of the 749 designations.
select
    lead_ministry_zh,
    lead_ministry_en,
    count(*) as programmes,
    sum(designation_count) as designations,
    max(ministry_share_pct) as share_pct
from {{ ref('fct_pilot_designations') }}
group by lead_ministry_zh, lead_ministry_en
order by designations desc
