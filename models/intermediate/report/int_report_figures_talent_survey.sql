-- The talent half's survey figures, one row each, in the catalogue's columns: the survey's rank cells (the rank is
-- the value, the ranked item the subject), each survey's printed sample size (once per survey: it is printed in
-- footnotes, not per row) and the age groups a survey finding is about (16-24岁, 75岁以上).
with survey_findings as (
    select * from {{ ref('stg_report__survey_findings') }}
),

rank_items as (
    select * from {{ ref('int_survey_rank_items_labelled') }}
),

-- A survey's sample size is printed in the footnotes of several pages; the catalogue holds it once, at the first
-- finding (by key) that cites it.
survey_sample_sizes as (
    select
        *,
        row_number() over (
            partition by survey_name_zh, sample_size, survey_month
            order by finding_key
        ) as citing_order
    from survey_findings
    where sample_size is not null
),

qualifier_labels as (
    select * from {{ ref('lkp_qualifier') }}
),

figures as (
    select
        'rank' as figure_kind,
        '' as key_suffix,
        'report_survey_rank_items' as source_seed,
        rank_item_key as source_key,
        item_zh as subject_zh,
        item_en as subject_en,
        table_title_zh || '（' || generation_zh || '）' as metric_zh,
        case table_code
            when 'info_channel' then 'Rank of a channel for learning about a city, ' || generation_en
            when 'city_focus' then 'Rank of a city trait looked at, ' || generation_en
        end as metric_en,
        'No.' || cast(item_rank as {{ dbt.type_string() }}) as value_raw,
        'exact' as qualifier,
        item_rank as value,  -- noqa: RF04
        cast(null as decimal(20, 4)) as value_low,
        cast(null as decimal(20, 4)) as value_high,
        'rank' as unit,
        extract(year from survey_month) as figure_year,
        report_section,
        quote_zh,
        cited_source
    from rank_items
    where item_rank is not null
    union all
    select
        'sample_size' as figure_kind,
        ':sample_size' as key_suffix,
        'report_survey_findings' as source_seed,
        finding_key as source_key,
        survey_name_zh as subject_zh,
        null as subject_en,
        '样本量' as metric_zh,
        'Sample size (respondents)' as metric_en,
        sample_size_raw as value_raw,
        'exact' as qualifier,
        sample_size as value,  -- noqa: RF04
        null as value_low,
        null as value_high,
        'persons' as unit,
        survey_year as figure_year,
        report_section,
        -- The sample size is printed in the survey's footnote, which cited_source holds verbatim.
        cited_source as quote_zh,
        cited_source
    from survey_sample_sizes
    where citing_order = 1
    union all
    select
        'age_group' as figure_kind,
        ':age_group' as key_suffix,
        'report_survey_findings' as source_seed,
        finding_key as source_key,
        population_zh as subject_zh,
        population_en as subject_en,
        '调研人群年龄' as metric_zh,
        'Age group surveyed' as metric_en,
        population_zh as value_raw,
        'exact' as qualifier,
        null as value,  -- noqa: RF04
        population_age_low as value_low,
        population_age_high as value_high,
        'years' as unit,
        survey_year as figure_year,
        report_section,
        quote_zh,
        cited_source
    from survey_findings
    where population_age_low is not null or population_age_high is not null
)

select
    figures.source_seed || ':' || figures.source_key || figures.key_suffix as figure_key,
    'talent' as figure_theme,
    figures.*,
    qualifier_labels.qualifier_zh,
    qualifier_labels.qualifier_en
from figures
left join qualifier_labels
    on figures.qualifier = qualifier_labels.qualifier
