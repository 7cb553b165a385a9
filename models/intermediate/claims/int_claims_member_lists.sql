-- The report's pilot table against the official member lists and announcements: the Broadband China batches
-- (ref_pilot_program_members), the other programmes with a list (科技部 2013, cloud e-government 2013) and NASG's
-- footnote 2. One CTE per claim; wording and order come from lkp_report_claim.
with pilot_programs as (
    select * from {{ ref('stg_report__pilot_programs') }}
),

headline_figures as (
    select * from {{ ref('stg_report__headline_figures') }}
),

program_members as (
    select * from {{ ref('stg_reference__pilot_program_members') }}
),

member_lists as (
    select * from {{ ref('stg_reference__pilot_member_lists') }}
),

broadband_years as (
    select
        pilot.program_key,
        pilot.designation_year as report_year,
        pilot.designation_count,
        pilot.quote_zh,
        pilot.report_section,
        min(members.designation_year) as list_year,
        count(members.program_key) as listed_entities,
        cast(pilot.designation_year as {{ string_type() }}) as report_year_text,
        cast(pilot.designation_count as {{ string_type() }}) as designation_count_text,
        cast(min(members.designation_year) as {{ string_type() }}) as list_year_text
    from pilot_programs as pilot
    inner join program_members as members
        on pilot.program_key = members.program_key
    where pilot.program_family = 'broadband'
    group by pilot.program_key, pilot.designation_year, pilot.designation_count, pilot.quote_zh, pilot.report_section
),

claim_broadband as (
    select
        'broadband_china_batches_match_lists' as claim_key,
        max(report_section) as report_section,
        {{ ordered_string_agg("quote_zh", "'；'", "program_key") }} as quoted_claim_zh,
        {{ ordered_string_agg(
            "report_year_text || ':' || designation_count_text", "', '", "program_key"
        ) }} as stated_value_raw,
        sum(designation_count) as stated_value,
        'exact' as stated_qualifier,
        'count' as stated_unit,
        sum(listed_entities) as recomputed_value,
        'count' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case
            when bool_and(listed_entities = designation_count) and bool_and(report_year = list_year) then 'holds'
            when bool_and(listed_entities = designation_count) then 'holds_under_assumption'
            else 'fails'
        end as verdict,
        'The lists hold ' || cast(sum(listed_entities) as {{ string_type() }}) || ' entities against '
        || cast(sum(designation_count) as {{ string_type() }}) || ' printed. Years as printed vs announced: '
        || {{ ordered_string_agg("report_year_text || ' vs ' || list_year_text", "', '", "program_key") }}
        || '.' as explanation_en,
        '官方名单共' || cast(sum(listed_entities) as {{ string_type() }}) || '个，报告为'
        || cast(sum(designation_count) as {{ string_type() }})
        || '个。报告年份与公布年份：'
        || {{ ordered_string_agg("report_year_text || '/' || list_year_text", "'，'", "program_key") }}
        || '。' as explanation_zh
    from broadband_years
),

-- Every other programme with a member list: its printed count against the entities listed. A partial list
-- (as its provenance declares) shorter than the printed count cannot check it; a list longer than the count, or a
-- complete one of another length, contradicts it.
list_counts as (
    select
        pilot.program_key,
        pilot.designation_count,
        pilot.quote_zh,
        pilot.report_section,
        lists.list_completeness,
        count(members.program_key) as listed_entities
    from pilot_programs as pilot
    inner join member_lists as lists
        on pilot.program_key = lists.program_key
    inner join program_members as members
        on pilot.program_key = members.program_key
    where pilot.program_family != 'broadband'
    group by pilot.program_key, pilot.designation_count, pilot.quote_zh, pilot.report_section, lists.list_completeness
),

claim_list_counts as (
    select
        program_key || '_count_matches_list' as claim_key,
        report_section,
        quote_zh as quoted_claim_zh,
        cast(designation_count as {{ string_type() }}) as stated_value_raw,
        designation_count as stated_value,
        'exact' as stated_qualifier,
        'count' as stated_unit,
        listed_entities as recomputed_value,
        'count' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case
            when listed_entities = designation_count then 'holds'
            when listed_entities < designation_count and list_completeness = 'partial' then 'cannot_be_checked'
            else 'fails'
        end as verdict,
        'The ' || list_completeness || ' list holds ' || cast(listed_entities as {{ string_type() }})
        || ' entities against '
        || cast(designation_count as {{ string_type() }}) || ' printed.' as explanation_en,
        case when list_completeness = 'partial' then '不完整' else '完整' end
        || '名单共' || cast(listed_entities as {{ string_type() }}) || '个，报告为'
        || cast(designation_count as {{ string_type() }}) || '个。'
            as explanation_zh
    from list_counts
),

nasg_rows as (
    select
        pilot.designation_count as printed_2017,
        pilot.quote_zh,
        pilot.report_section,
        earlier.value as announced_earlier
    from pilot_programs as pilot
    cross join headline_figures as earlier
    where
        pilot.program_key = 'nasg_smart_city_pilot'
        and earlier.headline_figure_key = 'nasg_pilots_announced_2013_2015'
),

claim_nasg as (
    select
        'nasg_2017_pilots_new_in_2017' as claim_key,
        nasg.report_section,
        nasg.quote_zh as quoted_claim_zh,
        cast(nasg.printed_2017 as {{ string_type() }}) as stated_value_raw,
        nasg.printed_2017 as stated_value,
        'exact' as stated_qualifier,
        'count' as stated_unit,
        nasg.printed_2017 - nasg.announced_earlier as recomputed_value,
        'count' as recomputed_unit,
        cast(null as {{ string_type() }}) as inputs_detail,
        case when nasg.announced_earlier > 0 then 'holds_under_assumption' else 'holds' end as verdict,
        'Footnote 2: ' || cast(cast(nasg.announced_earlier as integer) as {{ string_type() }}) || ' of the '
        || cast(nasg.printed_2017 as {{ string_type() }}) || ' were announced in 2013 and 2015, so '
        || cast(cast(nasg.printed_2017 - nasg.announced_earlier as integer) as {{ string_type() }})
        || ' were new in 2017.'
            as explanation_en,
        '脚注2：' || cast(nasg.printed_2017 as {{ string_type() }}) || '个中的'
        || cast(cast(nasg.announced_earlier as integer) as {{ string_type() }}) || '个已于2013、2015年发布，2017年新增'
        || cast(cast(nasg.printed_2017 - nasg.announced_earlier as integer) as {{ string_type() }})
        || '个。' as explanation_zh
    from nasg_rows as nasg
),

claims as (
    select * from claim_broadband
    union all
    select * from claim_list_counts
    union all
    select * from claim_nasg
),

{{ report_claims('member_lists') }}
