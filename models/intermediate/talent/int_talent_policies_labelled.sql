with policies as (
    select * from {{ ref('stg_report__talent_policies') }}
),

labelled as (
    select
        policy_key,
        place_zh,
        place_en,
        policy_scope,
        case policy_scope when 'national' then '国家' when 'city' then '城市' end as policy_scope_zh,
        case policy_scope when 'national' then 'National' when 'city' then 'City' end as policy_scope_en,
        heading_zh,
        year_raw,
        policy_year,
        effective_month,
        target_group_zh,
        target_group_en,
        document_name_zh,
        document_name_en,
        instrument_1_zh,
        instrument_2_zh,
        instruments_en,
        report_section,
        quote_zh,
        cited_source,
        note
    from policies
)

select * from labelled
