with policies as (
    select * from {{ ref('stg_report__talent_policies') }}
),

scope_labels as (
    select * from {{ ref('lkp_policy_scope') }}
),

labelled as (
    select
        policies.policy_key,
        policies.place_zh,
        policies.place_en,
        policies.policy_scope,
        scope_labels.policy_scope_zh,
        scope_labels.policy_scope_en,
        policies.heading_zh,
        policies.year_raw,
        policies.policy_year,
        policies.effective_month,
        policies.target_group_zh,
        policies.target_group_en,
        policies.document_name_zh,
        policies.document_name_en,
        policies.instrument_1_zh,
        policies.instrument_2_zh,
        policies.instruments_en,
        policies.report_section,
        policies.quote_zh,
        policies.cited_source,
        policies.note
    from policies
    left join scope_labels
        on policies.policy_scope = scope_labels.policy_scope
)

select * from labelled
