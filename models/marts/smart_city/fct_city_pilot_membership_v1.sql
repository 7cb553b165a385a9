-- Version 1 of fct_city_pilot_membership, kept for dashboards that pin it (deprecated 2027-06-30; see its yml):
-- its contract promised a member's announce_date, which only the Broadband China lists print, so it keeps
-- their 119 rows; version 2 adds the 2013 lists, whose sources give the year but no announcement date.
with members_with_announce_date as (
    select * from {{ ref('fct_city_pilot_membership', v=2) }}
    where announce_date is not null
)

select * from members_with_announce_date
