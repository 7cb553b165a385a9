-- One row per (programme, prefecture) a programme's member entities reach. A prefecture counts as a member city
-- when one of its entities covers it whole (the city itself, or a cluster that includes it); a district or
-- county-level city alone does not make its prefecture a member. A province-level member reaches no prefecture and
-- is left out here (fct_province_pilot_coverage counts it): a province is never spread over its cities.
with members as (
    select * from {{ ref('int_pilot_members_mapped_to_prefectures') }}
),

coverage_labels as (
    select * from {{ ref('lkp_coverage_type') }}
),

-- The city attributes depend on city_code alone: max() picks the one value of each group.
per_city as (
    select
        program_key,
        city_code,
        min(designation_year) as designation_year,
        max(city_name_zh) as city_name_zh,
        max(city_name_short_zh) as city_name_short_zh,
        max(city_level) as city_level,
        max(province_code) as province_code,
        max(province_name_zh) as province_name_zh,
        max(population_2020) as population_2020,
        count(*) as member_entity_count,
        {{ ordered_string_agg("entity_name", "'、'", "list_order") }} as member_entity_names,
        bool_or(covers_whole_prefecture) as counts_as_member_city,
        max(member_list_status) as member_list_status
    from members
    where city_code is not null
    group by program_key, city_code
),

typed as (
    select
        *,
        case when counts_as_member_city then 'whole_prefecture' else 'sub_unit_only' end as coverage_type
    from per_city
)

select
    typed.program_key,
    typed.designation_year,
    typed.city_code,
    typed.city_name_zh,
    typed.city_name_short_zh,
    typed.city_level,
    typed.province_code,
    typed.province_name_zh,
    typed.member_entity_count,
    typed.member_entity_names,
    typed.counts_as_member_city,
    typed.coverage_type,
    coverage_labels.coverage_type_zh,
    coverage_labels.coverage_type_en,
    typed.population_2020,
    case when typed.counts_as_member_city then typed.population_2020 end as member_city_population_2020,
    typed.member_list_status
from typed
left join coverage_labels
    on typed.coverage_type = coverage_labels.coverage_type
